using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Enrollment.Api.Data;
using PublicInnovation.Enrollment.Contracts;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;

namespace PublicInnovation.Enrollment.Api.Enrollments;

public static class EnrollmentEndpoints
{
    public static IEndpointRouteBuilder MapEnrollmentEndpoints(this IEndpointRouteBuilder app)
    {
        var enrollments = app.MapGroup("/api/enrollment").WithTags("Enrollments");
        enrollments.MapPost("/enrollments", Enroll).RequireAuthorization(Roles.Learner).WithName(nameof(Enroll))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        enrollments.MapGet("/enrollments/{enrollmentId:guid}", GetEnrollment).RequireAuthorization(p => p.RequireRole(Roles.Learner, Roles.Operator))
            .WithName(nameof(GetEnrollment)).ProducesProblem(StatusCodes.Status404NotFound);
        enrollments.MapGet("/enrollments/mine", MyEnrollments).RequireAuthorization(Roles.Learner).WithName(nameof(MyEnrollments));
        enrollments.MapGet("/courses/{courseId:guid}/enrollments", CourseEnrollments).RequireAuthorization(Roles.Operator)
            .WithName(nameof(CourseEnrollments));
        return app;
    }

    /// <summary>The caller (a learner) enrolls in a published course.</summary>
    public static async Task<Results<Created<EnrollmentResponse>, ValidationProblem, ProblemHttpResult>> Enroll(
        EnrollRequest request, EnrollmentDb db, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.CourseId is not { } courseId || courseId == Guid.Empty)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["courseId"] = ["A course id is required."] });
        if (http.User.UserId() is not { } learnerId)
            return TypedResults.Problem("The token has no user id (sub) to enroll.", statusCode: StatusCodes.Status403Forbidden, title: "No learner identity");

        // Only courses Catalogue has published exist here: drafts and unknown ids are both "not found".
        if (!await db.Courses.AnyAsync(c => c.CourseId == courseId, cancellationToken))
            return TypedResults.Problem($"No published course has id {courseId}.", statusCode: StatusCodes.Status404NotFound, title: "Course not found");

        var enrollment = new CourseEnrollment { Id = Guid.CreateVersion7(), CourseId = courseId, LearnerId = learnerId, EnrolledAt = clock.GetUtcNow() };
        db.Enrollments.Add(enrollment);
        db.AddEvent(new LearnerEnrolled(enrollment.Id, courseId, learnerId, enrollment.EnrolledAt));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // The unique index decided: nothing was written, not even the event.
            return TypedResults.Problem($"Learner {learnerId} is already enrolled in course {courseId}.",
                statusCode: StatusCodes.Status409Conflict, title: "Already enrolled");
        }
        return TypedResults.Created($"/api/enrollment/enrollments/{enrollment.Id}", EnrollmentResponse.From(enrollment));
    }

    /// <summary>One enrollment: its learner may read it, and so may operators; to anyone else it does not exist.</summary>
    public static async Task<Results<Ok<EnrollmentResponse>, ProblemHttpResult>> GetEnrollment(
        Guid enrollmentId, EnrollmentDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var enrollment = await db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enrollmentId, cancellationToken);
        if (enrollment is null || (enrollment.LearnerId != http.User.UserId() && !http.User.IsInRole(Roles.Operator)))
            return TypedResults.Problem($"No enrollment {enrollmentId} is visible to you.", statusCode: StatusCodes.Status404NotFound, title: "Enrollment not found");
        return TypedResults.Ok(EnrollmentResponse.From(enrollment));
    }

    public static async Task<Ok<EnrollmentResponse[]>> MyEnrollments(EnrollmentDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var learnerId = http.User.UserId();
        var mine = await db.Enrollments.AsNoTracking().Where(e => e.LearnerId == learnerId)
            .OrderByDescending(e => e.EnrolledAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(mine.Select(EnrollmentResponse.From).ToArray());
    }

    public static async Task<Ok<EnrollmentResponse[]>> CourseEnrollments(Guid courseId, EnrollmentDb db, CancellationToken cancellationToken)
    {
        var enrolled = await db.Enrollments.AsNoTracking().Where(e => e.CourseId == courseId)
            .OrderBy(e => e.EnrolledAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(enrolled.Select(EnrollmentResponse.From).ToArray());
    }
}

public sealed record EnrollRequest(Guid? CourseId);

public sealed record EnrollmentResponse(Guid Id, Guid CourseId, Guid LearnerId, DateTimeOffset EnrolledAt)
{
    public static EnrollmentResponse From(CourseEnrollment e) => new(e.Id, e.CourseId, e.LearnerId, e.EnrolledAt);
}
