using PublicInnovation.Catalogue.Api.Courses;
using Shouldly;

namespace PublicInnovation.Catalogue.Tests.Courses;

public sealed class CourseRulesTests
{
    static readonly CreateCourseValidator Validator = new();

    [Fact]
    public void Validate_complete_french_course_passes() =>
        Validator.Validate(new CreateCourseRequest("Innovation publique", "Le MOOC du CNFPT", "fr")).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData(null, "summary", "fr", "title")]
    [InlineData("   ", "summary", "fr", "title")]
    [InlineData("title", "", "fr", "summary")]
    [InlineData("title", "summary", "klingon", "language")]
    [InlineData("title", "summary", null, "language")]
    public void Validate_bad_field_names_that_field(string? title, string? summary, string? language, string field)
    {
        var result = Validator.Validate(new CreateCourseRequest(title, summary, language));

        result.IsValid.ShouldBeFalse();
        result.Errors.Select(e => e.PropertyName).Distinct().ShouldBe([field]);
    }

    [Fact]
    public void Validate_title_over_limit_fails() =>
        Validator.Validate(new CreateCourseRequest(new string('a', CourseRules.TitleMaxLength + 1), "s", "fr"))
            .Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("title");

    [Fact]
    public void Publish_draft_sets_status_and_date_once()
    {
        var course = new Course { Title = "t", Summary = "s", Language = "fr" };
        var now = DateTimeOffset.Parse("2026-11-24T12:30:00Z");

        course.TryPublish(now).ShouldBeTrue();
        course.TryPublish(now.AddDays(1)).ShouldBeFalse();
        course.Status.ShouldBe(CourseStatus.Published);
        course.PublishedAt.ShouldBe(now);
    }
}
