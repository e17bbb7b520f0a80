using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PublicInnovation.Enrollment.Api.Enrollments;

/// <summary>A learner's place on a course.</summary>
public sealed class CourseEnrollment
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid LearnerId { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
}

sealed class CourseEnrollmentConfiguration : IEntityTypeConfiguration<CourseEnrollment>
{
    public void Configure(EntityTypeBuilder<CourseEnrollment> enrollment)
    {
        enrollment.ToTable("enrollments");
        // One enrollment per learner and course, enforced by the database: two concurrent requests cannot
        // both pass a read-then-insert check, but only one can insert this key.
        enrollment.HasIndex(e => new { e.CourseId, e.LearnerId }).IsUnique().HasDatabaseName(UniqueLearnerPerCourse);
        enrollment.HasIndex(e => e.LearnerId);
    }

    public const string UniqueLearnerPerCourse = "ux_enrollments_course_learner";
}
