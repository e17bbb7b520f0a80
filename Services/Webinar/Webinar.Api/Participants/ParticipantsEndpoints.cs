using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Webinar.Api.Data;
using PublicInnovation.ServiceDefaults.Auth;

namespace PublicInnovation.Webinar.Api.Participants;

public static class ParticipantsEndpoints
{
    public static IEndpointRouteBuilder MapParticipantsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/webinar").WithTags("Participants")
            .MapGet("/courses/{courseId:guid}/participants", CourseParticipants)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Operator, Roles.Instructor))
            .WithName(nameof(CourseParticipants));
        return app;
    }

    /// <summary>Who Webinar knows to be enrolled in a course, from the LearnerEnrolled events it consumed.</summary>
    public static async Task<Ok<CourseParticipantResponse[]>> CourseParticipants(Guid courseId, WebinarDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Participants.AsNoTracking().Where(e => e.CourseId == courseId)
            .OrderBy(e => e.EnrolledAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(e => new CourseParticipantResponse(e.EnrollmentId, e.CourseId, e.LearnerId, e.EnrolledAt, e.RecordedAt)).ToArray());
    }
}

public sealed record CourseParticipantResponse(Guid EnrollmentId, Guid CourseId, Guid LearnerId, DateTimeOffset EnrolledAt, DateTimeOffset RecordedAt);
