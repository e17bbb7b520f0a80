using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Catalogue.Api.Courses;
using PublicInnovation.Catalogue.Api.Data;
using PublicInnovation.Catalogue.Contracts;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.Catalogue.Tests.Courses;

/// <summary>Catalogue in-process on real PostgreSQL and RabbitMQ.</summary>
public sealed class CourseEndpointsTests(TestInfrastructure infra) : IAsyncLifetime
{
    ServiceApp<CatalogueDb> _app = null!;
    HttpClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await ServiceApp<CatalogueDb>.StartAsync(infra, "catalogue", cancellationToken: TestContext.Current.CancellationToken);
        _operator = _app.ClientFor(Roles.Operator);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Create_course_as_operator_returns_201_with_a_draft()
    {
        var response = await _operator.PostAsJsonAsync("/api/catalogue/courses", new { title = "Innovation publique", summary = "MOOC", language = "FR" }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var course = (await response.Content.ReadFromJsonAsync<CourseResponse>(cancellationToken: TestContext.Current.CancellationToken))!;
        course.Status.ShouldBe("Draft");
        course.Language.ShouldBe("fr");
        response.Headers.Location!.ToString().ShouldBe($"/api/catalogue/courses/{course.Id}");
        (await _app.WithDbAsync(db => db.Courses.AnyAsync(c => c.Id == course.Id))).ShouldBeTrue();
    }

    [Fact]
    public async Task Create_course_with_bad_fields_returns_400_naming_each_field()
    {
        var response = await _operator.PostAsJsonAsync("/api/catalogue/courses", new { title = "", summary = (string?)null, language = "xx" }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).ShouldBe(["title", "summary", "language"], ignoreOrder: true);
    }

    [Fact]
    public async Task Create_course_with_malformed_json_returns_400_naming_the_field()
    {
        var response = await _operator.PostAsync("/api/catalogue/courses",
            new StringContent("""{"title": 12, "summary": "s", "language": "fr"}""", System.Text.Encoding.UTF8, "application/json"), cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("errors").TryGetProperty("$.title", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(Roles.Learner)]
    [InlineData(Roles.Partner)]
    [InlineData(Roles.Instructor)]
    public async Task Create_course_as_non_operator_returns_403(string role)
    {
        var response = await _app.ClientFor(role).PostAsJsonAsync("/api/catalogue/courses", new { title = "t", summary = "s", language = "fr" }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Create_course_without_token_returns_401()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/api/catalogue/courses", new { title = "t", summary = "s", language = "fr" }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Publish_course_publishes_CoursePublished_through_the_outbox()
    {
        await using var probe = await EventProbe<CoursePublished>.StartAsync(_app.Broker, cancellationToken: TestContext.Current.CancellationToken);
        var course = await CreateAsync("Transports publics et numérique");

        var response = await _operator.PostAsync($"/api/catalogue/courses/{course.Id}/publish", null, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var published = await probe.WaitForAsync(e => e.CourseId == course.Id, "CoursePublished reaches the broker");
        published.Title.ShouldBe("Transports publics et numérique");
        published.Language.ShouldBe("fr");
        // The relay marks the row sent once the broker confirmed it, which may be just after the probe saw it.
        await Eventually.WaitUntilAsync(async () => (await _app.WithDbAsync(db => db.Set<OutboxMessage>().ToListAsync()))
            .Count(m => m.SentAt != null && m.Body.Contains(course.Id.ToString())) == 1, TimeSpan.FromSeconds(30), "the outbox row is marked sent");
    }

    [Fact]
    public async Task Publish_twice_returns_409_and_publishes_once()
    {
        var course = await CreateAsync("Faut-il transgresser pour innover ?");
        (await _operator.PostAsync($"/api/catalogue/courses/{course.Id}/publish", null, cancellationToken: TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var second = await _operator.PostAsync($"/api/catalogue/courses/{course.Id}/publish", null, cancellationToken: TestContext.Current.CancellationToken);

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        second.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await _app.WithDbAsync(db => db.Set<OutboxMessage>().ToListAsync())).Count(m => m.Body.Contains(course.Id.ToString())).ShouldBe(1);
    }

    [Fact]
    public async Task Publish_unknown_course_returns_404()
    {
        var response = await _operator.PostAsync($"/api/catalogue/courses/{Guid.NewGuid()}/publish", null, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Get_draft_as_learner_returns_404_but_published_returns_200()
    {
        var learner = _app.ClientFor(Roles.Learner);
        var draft = await CreateAsync("Brouillon");
        var published = await CreateAsync("Publié");
        await _operator.PostAsync($"/api/catalogue/courses/{published.Id}/publish", null, cancellationToken: TestContext.Current.CancellationToken);

        (await learner.GetAsync($"/api/catalogue/courses/{draft.Id}", cancellationToken: TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await learner.GetAsync($"/api/catalogue/courses/{published.Id}", cancellationToken: TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = (await learner.GetFromJsonAsync<CourseResponse[]>("/api/catalogue/courses", cancellationToken: TestContext.Current.CancellationToken))!;
        listed.ShouldContain(c => c.Id == published.Id);
        listed.ShouldNotContain(c => c.Id == draft.Id);
    }

    async Task<CourseResponse> CreateAsync(string title)
    {
        var response = await _operator.PostAsJsonAsync("/api/catalogue/courses", new { title, summary = "Résumé", language = "fr" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CourseResponse>())!;
    }
}
