using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Forum.Api.Data;
using PublicInnovation.Forum.Api.Members;
using PublicInnovation.Enrollment.Contracts;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.Forum.Tests.Members;

/// <summary>Forum keeps its own record of enrollments from LearnerEnrolled, on real PostgreSQL and RabbitMQ.</summary>
public sealed class MembersTests(TestInfrastructure infra) : IAsyncLifetime
{
    ServiceApp<ForumDb> _app = null!;

    public async ValueTask InitializeAsync() => _app = await ServiceApp<ForumDb>.StartAsync(infra, "forum", cancellationToken: TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task LearnerEnrolled_is_recorded_and_listed_for_the_course()
    {
        var enrolled = new LearnerEnrolled(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow);

        await _app.PublishAsync(enrolled, cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.WaitUntilAsync(() => _app.WithDbAsync(db => db.Members.AnyAsync(e => e.EnrollmentId == enrolled.EnrollmentId)),
            TimeSpan.FromSeconds(60), "the enrollment is recorded");
        var listed = await _app.ClientFor(Roles.Moderator).GetFromJsonAsync<ForumMemberResponse[]>("/api/forum/courses/" + enrolled.CourseId + "/members", cancellationToken: TestContext.Current.CancellationToken);
        listed!.ShouldHaveSingleItem().LearnerId.ShouldBe(enrolled.LearnerId);
    }

    [Fact]
    public async Task Same_enrollment_published_twice_is_recorded_once()
    {
        var enrolled = new LearnerEnrolled(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow);
        var later = enrolled with { EnrollmentId = Guid.NewGuid(), LearnerId = Guid.NewGuid() };

        await _app.PublishAsync(enrolled, cancellationToken: TestContext.Current.CancellationToken);
        await _app.PublishAsync(enrolled, cancellationToken: TestContext.Current.CancellationToken);
        await _app.PublishAsync(later, cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.WaitUntilAsync(async () => await _app.WithDbAsync(db => db.Members.CountAsync(e => e.CourseId == enrolled.CourseId)) == 2,
            TimeSpan.FromSeconds(60), "both enrollments are recorded");
        (await _app.WithDbAsync(db => db.Members.CountAsync(e => e.EnrollmentId == enrolled.EnrollmentId))).ShouldBe(1);
    }

    [Fact]
    public async Task Listing_as_learner_returns_403()
    {
        var response = await _app.ClientFor(Roles.Learner).GetAsync("/api/forum/courses/" + Guid.NewGuid() + "/members", cancellationToken: TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
