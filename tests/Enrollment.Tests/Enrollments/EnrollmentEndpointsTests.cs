using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Catalogue.Contracts;
using PublicInnovation.Enrollment.Api.Data;
using PublicInnovation.Enrollment.Api.Enrollments;
using PublicInnovation.Enrollment.Contracts;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.Enrollment.Tests.Enrollments;

/// <summary>Enrollment in-process on real PostgreSQL and RabbitMQ; courses arrive as CoursePublished events.</summary>
public sealed class EnrollmentEndpointsTests(TestInfrastructure infra) : IAsyncLifetime
{
    ServiceApp<EnrollmentDb> _app = null!;

    public async ValueTask InitializeAsync() => _app = await ServiceApp<EnrollmentDb>.StartAsync(infra, "enrollment", cancellationToken: TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task CoursePublished_creates_the_local_course_snapshot()
    {
        var course = await PublishCourseAsync("Piloter un projet en mode start-up");

        var snapshot = await _app.WithDbAsync(db => db.Courses.SingleAsync(c => c.CourseId == course.CourseId));
        snapshot.Title.ShouldBe("Piloter un projet en mode start-up");
    }

    [Fact]
    public async Task Enroll_in_published_course_returns_201_and_publishes_LearnerEnrolled()
    {
        await using var probe = await EventProbe<LearnerEnrolled>.StartAsync(_app.Broker, cancellationToken: TestContext.Current.CancellationToken);
        var course = await PublishCourseAsync("Observer les usagers sur le terrain");
        var learnerId = Guid.NewGuid();

        var response = await _app.ClientFor(Roles.Learner, learnerId).PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var enrollment = (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(cancellationToken: TestContext.Current.CancellationToken))!;
        enrollment.LearnerId.ShouldBe(learnerId);
        var enrolled = await probe.WaitForAsync(e => e.LearnerId == learnerId, "LearnerEnrolled reaches the broker");
        enrolled.ShouldBe(new LearnerEnrolled(enrollment.Id, course.CourseId, learnerId, enrolled.EnrolledAt));
        enrolled.EnrolledAt.ShouldBe(enrollment.EnrolledAt, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Enroll_in_unknown_course_returns_404_and_writes_nothing()
    {
        var learnerId = Guid.NewGuid();

        var response = await _app.ClientFor(Roles.Learner, learnerId).PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = Guid.NewGuid() }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await _app.WithDbAsync(db => db.Enrollments.AnyAsync(e => e.LearnerId == learnerId))).ShouldBeFalse();
    }

    [Fact]
    public async Task Enroll_without_course_id_returns_400_naming_the_field()
    {
        var response = await _app.ClientFor(Roles.Learner).PostAsJsonAsync("/api/enrollment/enrollments", new { }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldContain("courseId");
    }

    [Fact]
    public async Task Enroll_twice_returns_409_and_keeps_one_enrollment_and_one_event()
    {
        var course = await PublishCourseAsync("Choisir une méthode de design");
        var learner = _app.ClientFor(Roles.Learner, Guid.NewGuid());
        (await learner.PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var second = await learner.PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken);

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        second.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await _app.WithDbAsync(db => db.Enrollments.CountAsync(e => e.CourseId == course.CourseId))).ShouldBe(1);
        (await _app.WithDbAsync(db => db.Set<OutboxMessage>().ToListAsync())).Count(m => m.Body.Contains(course.CourseId.ToString())).ShouldBe(1);
    }

    [Fact]
    public async Task Enroll_concurrently_creates_exactly_one_enrollment()
    {
        var course = await PublishCourseAsync("Feuille de route");
        var learner = _app.ClientFor(Roles.Learner, Guid.NewGuid());

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            learner.PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId })));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
        (await _app.WithDbAsync(db => db.Enrollments.CountAsync(e => e.CourseId == course.CourseId))).ShouldBe(1);
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Partner)]
    public async Task Enroll_as_non_learner_returns_403(string role)
    {
        var course = await PublishCourseAsync("Rôles");

        var response = await _app.ClientFor(role).PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Created_enrollment_location_is_readable_by_its_learner_only()
    {
        var course = await PublishCourseAsync("Lien");
        var learnerId = Guid.NewGuid();
        var created = await _app.ClientFor(Roles.Learner, learnerId).PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken);

        var own = await _app.ClientFor(Roles.Learner, learnerId).GetFromJsonAsync<EnrollmentResponse>(created.Headers.Location, cancellationToken: TestContext.Current.CancellationToken);
        var other = await _app.ClientFor(Roles.Learner, Guid.NewGuid()).GetAsync(created.Headers.Location, cancellationToken: TestContext.Current.CancellationToken);

        own!.CourseId.ShouldBe(course.CourseId);
        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Course_enrollments_are_readable_by_operators_only()
    {
        var course = await PublishCourseAsync("Lecture");
        var learnerId = Guid.NewGuid();
        await _app.ClientFor(Roles.Learner, learnerId).PostAsJsonAsync("/api/enrollment/enrollments", new { courseId = course.CourseId }, cancellationToken: TestContext.Current.CancellationToken);

        var listed = await _app.ClientFor(Roles.Operator).GetFromJsonAsync<EnrollmentResponse[]>($"/api/enrollment/courses/{course.CourseId}/enrollments", cancellationToken: TestContext.Current.CancellationToken);
        var forbidden = await _app.ClientFor(Roles.Learner, learnerId).GetAsync($"/api/enrollment/courses/{course.CourseId}/enrollments", cancellationToken: TestContext.Current.CancellationToken);

        listed!.ShouldHaveSingleItem().LearnerId.ShouldBe(learnerId);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    async Task<CoursePublished> PublishCourseAsync(string title)
    {
        var published = new CoursePublished(Guid.NewGuid(), title, "Résumé", "fr", DateTimeOffset.UtcNow);
        await _app.PublishAsync(published);
        await Eventually.WaitUntilAsync(() => _app.WithDbAsync(db => db.Courses.AnyAsync(c => c.CourseId == published.CourseId)),
            TimeSpan.FromSeconds(60), "the course snapshot is stored");
        return published;
    }
}
