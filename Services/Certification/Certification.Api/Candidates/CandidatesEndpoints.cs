using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Certification.Api.Data;
using PublicInnovation.ServiceDefaults.Auth;

namespace PublicInnovation.Certification.Api.Candidates;

public static class CandidatesEndpoints
{
    public static IEndpointRouteBuilder MapCandidatesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/certification").WithTags("Candidates")
            .MapGet("/courses/{courseId:guid}/candidates", CourseCandidates)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Operator))
            .WithName(nameof(CourseCandidates));
        return app;
    }

    /// <summary>Who Certification knows to be enrolled in a course, from the LearnerEnrolled events it consumed.</summary>
    public static async Task<Ok<CertificationCandidateResponse[]>> CourseCandidates(Guid courseId, CertificationDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Candidates.AsNoTracking().Where(e => e.CourseId == courseId)
            .OrderBy(e => e.EnrolledAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(e => new CertificationCandidateResponse(e.EnrollmentId, e.CourseId, e.LearnerId, e.EnrolledAt, e.RecordedAt)).ToArray());
    }
}

public sealed record CertificationCandidateResponse(Guid EnrollmentId, Guid CourseId, Guid LearnerId, DateTimeOffset EnrolledAt, DateTimeOffset RecordedAt);
