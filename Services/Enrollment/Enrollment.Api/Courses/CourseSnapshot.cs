using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PublicInnovation.Catalogue.Contracts;
using PublicInnovation.Enrollment.Api.Data;

namespace PublicInnovation.Enrollment.Api.Courses;

/// <summary>
/// Enrollment's own copy of a published course, fed by <see cref="CoursePublished"/>: enrolling never calls
/// Catalogue over HTTP, so Catalogue being down does not stop learners enrolling.
/// </summary>
public sealed class CourseSnapshot
{
    public Guid CourseId { get; init; }
    public required string Title { get; set; }
    public required string Language { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
}

sealed class CourseSnapshotConfiguration : IEntityTypeConfiguration<CourseSnapshot>
{
    public void Configure(EntityTypeBuilder<CourseSnapshot> course)
    {
        course.ToTable("course_snapshots");
        course.HasKey(c => c.CourseId);
        course.Property(c => c.Title).HasMaxLength(200);
        course.Property(c => c.Language).HasMaxLength(8);
    }
}

/// <summary>Keeps the snapshot of published courses; the inbox around it makes a redelivery a no-op.</summary>
public sealed class TrackPublishedCourseConsumer(EnrollmentDb db) : IConsumer<CoursePublished>
{
    public async Task Consume(ConsumeContext<CoursePublished> context)
    {
        var published = context.Message;
        var course = await db.Courses.FindAsync([published.CourseId], context.CancellationToken);
        if (course is null)
        {
            db.Courses.Add(new CourseSnapshot
            {
                CourseId = published.CourseId,
                Title = published.Title,
                Language = published.Language,
                PublishedAt = published.PublishedAt,
            });
            return;
        }

        // A later publication (re-publishing after an edit) refreshes the copy; an older one never overwrites it.
        if (published.PublishedAt < course.PublishedAt) return;
        course.Title = published.Title;
        course.Language = published.Language;
        course.PublishedAt = published.PublishedAt;
    }
}
