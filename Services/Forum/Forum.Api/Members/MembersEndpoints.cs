using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Forum.Api.Data;
using PublicInnovation.ServiceDefaults.Auth;

namespace PublicInnovation.Forum.Api.Members;

public static class MembersEndpoints
{
    public static IEndpointRouteBuilder MapMembersEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/forum").WithTags("Members")
            .MapGet("/courses/{courseId:guid}/members", CourseMembers)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Operator, Roles.Moderator))
            .WithName(nameof(CourseMembers));
        return app;
    }

    /// <summary>Who Forum knows to be enrolled in a course, from the LearnerEnrolled events it consumed.</summary>
    public static async Task<Ok<ForumMemberResponse[]>> CourseMembers(Guid courseId, ForumDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Members.AsNoTracking().Where(e => e.CourseId == courseId)
            .OrderBy(e => e.EnrolledAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(e => new ForumMemberResponse(e.EnrollmentId, e.CourseId, e.LearnerId, e.EnrolledAt, e.RecordedAt)).ToArray());
    }
}

public sealed record ForumMemberResponse(Guid EnrollmentId, Guid CourseId, Guid LearnerId, DateTimeOffset EnrolledAt, DateTimeOffset RecordedAt);
