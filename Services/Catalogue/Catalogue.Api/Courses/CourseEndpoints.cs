using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PublicInnovation.Catalogue.Api.Data;
using PublicInnovation.Catalogue.Contracts;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;

namespace PublicInnovation.Catalogue.Api.Courses;

public static class CourseEndpoints
{
    public static IServiceCollection AddCourses(this IServiceCollection services) =>
        services.AddSingleton<IValidator<CreateCourseRequest>, CreateCourseValidator>();

    public static IEndpointRouteBuilder MapCourseEndpoints(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/api/catalogue/courses").WithTags("Courses");
        courses.MapPost("/", CreateCourse).RequireAuthorization(Roles.Operator).WithName(nameof(CreateCourse));
        courses.MapPost("/{courseId:guid}/publish", PublishCourse).RequireAuthorization(Roles.Operator).WithName(nameof(PublishCourse))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        // Any signed-in caller (learner, partner app...) may browse; drafts stay visible to operators only.
        courses.MapGet("/", ListCourses).WithName(nameof(ListCourses));
        courses.MapGet("/{courseId:guid}", GetCourse).WithName(nameof(GetCourse)).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<CourseResponse>, ValidationProblem>> CreateCourse(
        CreateCourseRequest request, IValidator<CreateCourseRequest> validator, CatalogueDb db, TimeProvider clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
            return TypedResults.ValidationProblem(validation.ToDictionary());

        var course = new Course
        {
            Id = Guid.CreateVersion7(),
            Title = request.Title!.Trim(),
            Summary = request.Summary!.Trim(),
            Language = request.Language!.Trim().ToLowerInvariant(),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = http.User.UserId() ?? Guid.Empty,
        };
        db.Courses.Add(course);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/catalogue/courses/{course.Id}", CourseResponse.From(course));
    }

    public static async Task<Results<Ok<CourseResponse>, ProblemHttpResult>> PublishCourse(
        Guid courseId, CatalogueDb db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var course = await db.Courses.FindAsync([courseId], cancellationToken);
        if (course is null)
            return Problem(404, "Course not found", $"No course has id {courseId}.");
        if (!course.TryPublish(clock.GetUtcNow()))
            return Problem(409, "Course already published", $"Course {courseId} was published on {course.PublishedAt:O}.");

        // The state change and its event commit together: CoursePublished leaves through the outbox.
        db.AddEvent(new CoursePublished(course.Id, course.Title, course.Summary, course.Language, course.PublishedAt!.Value));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problem(409, "Course changed concurrently", $"Course {courseId} was modified by someone else; reload it.");
        }
        return TypedResults.Ok(CourseResponse.From(course));
    }

    public static async Task<Ok<CourseResponse[]>> ListCourses(CatalogueDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var query = db.Courses.AsNoTracking();
        if (!http.User.IsInRole(Roles.Operator))
            query = query.Where(c => c.Status == CourseStatus.Published);
        var courses = await query.OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(courses.Select(CourseResponse.From).ToArray());
    }

    public static async Task<Results<Ok<CourseResponse>, ProblemHttpResult>> GetCourse(
        Guid courseId, CatalogueDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == courseId, cancellationToken);
        // A draft is answered as missing to non-operators, so unpublished work does not leak.
        if (course is null || (course.Status != CourseStatus.Published && !http.User.IsInRole(Roles.Operator)))
            return Problem(404, "Course not found", $"No course has id {courseId}.");
        return TypedResults.Ok(CourseResponse.From(course));
    }

    static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}

public sealed record CreateCourseRequest(string? Title, string? Summary, string? Language);

public sealed record CourseResponse(Guid Id, string Title, string Summary, string Language, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt)
{
    public static CourseResponse From(Course c) =>
        new(c.Id, c.Title, c.Summary, c.Language, c.Status.ToString(), c.CreatedAt, c.PublishedAt);
}
