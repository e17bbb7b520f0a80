using FluentValidation;

namespace PublicInnovation.Catalogue.Api.Courses;

/// <summary>What makes a course acceptable, independent of HTTP.</summary>
public static class CourseRules
{
    public const int TitleMaxLength = 200;
    public const int SummaryMaxLength = 4000;

    /// <summary>
    /// Content languages the platform serves (ISO 639-1): French first, then the languages of the learners
    /// on the three continents the MOOCs reach.
    /// </summary>
    public static readonly IReadOnlySet<string> Languages =
        new SortedSet<string>(StringComparer.Ordinal) { "fr", "en", "es", "pt", "de", "it", "ar", "nl" };
}

/// <summary>Errors are keyed by the JSON field a client sent ("title"), not the C# property.</summary>
public sealed class CreateCourseValidator : AbstractValidator<CreateCourseRequest>
{
    public CreateCourseValidator()
    {
        RuleFor(r => r.Title).Cascade(CascadeMode.Stop)
            .Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("A title is required.")
            .MaximumLength(CourseRules.TitleMaxLength).WithMessage($"The title must be at most {CourseRules.TitleMaxLength} characters.")
            .OverridePropertyName("title");
        RuleFor(r => r.Summary).Cascade(CascadeMode.Stop)
            .Must(s => !string.IsNullOrWhiteSpace(s)).WithMessage("A summary is required.")
            .MaximumLength(CourseRules.SummaryMaxLength).WithMessage($"The summary must be at most {CourseRules.SummaryMaxLength} characters.")
            .OverridePropertyName("summary");
        RuleFor(r => r.Language).Cascade(CascadeMode.Stop)
            .Must(l => !string.IsNullOrWhiteSpace(l)).WithMessage("A language is required.")
            .Must(l => CourseRules.Languages.Contains(l!.Trim().ToLowerInvariant()))
            .WithMessage($"The language must be an ISO 639-1 code among: {string.Join(", ", CourseRules.Languages)}.")
            .OverridePropertyName("language");
    }
}
