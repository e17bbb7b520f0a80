using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PublicInnovation.Catalogue.Api.Courses;

public enum CourseStatus
{
    Draft = 0,
    Published = 1,
}

/// <summary>A MOOC or training course; chapters, sessions and methods attach to it in later features.</summary>
public sealed class Course
{
    public Guid Id { get; init; }
    public required string Title { get; set; }
    public required string Summary { get; set; }
    public required string Language { get; set; }
    public CourseStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTimeOffset? PublishedAt { get; private set; }

    /// <summary>PostgreSQL's xmin: two operators publishing at once cannot both win (the loser gets 409).</summary>
    public uint Version { get; private set; }

    /// <summary>Publishing is one-way; a second publication is a conflict, not a no-op, so no event is duplicated.</summary>
    public bool TryPublish(DateTimeOffset now)
    {
        if (Status == CourseStatus.Published) return false;
        Status = CourseStatus.Published;
        PublishedAt = now;
        return true;
    }
}

sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> course)
    {
        course.ToTable("courses");
        course.Property(c => c.Title).HasMaxLength(CourseRules.TitleMaxLength);
        course.Property(c => c.Summary).HasMaxLength(CourseRules.SummaryMaxLength);
        course.Property(c => c.Language).HasMaxLength(8);
        course.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        course.Property(c => c.Version).IsRowVersion();
        course.HasIndex(c => c.Status);
    }
}
