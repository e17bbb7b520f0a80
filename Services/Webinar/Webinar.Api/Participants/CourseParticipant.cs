using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PublicInnovation.Webinar.Api.Data;
using PublicInnovation.Enrollment.Contracts;

namespace PublicInnovation.Webinar.Api.Participants;

/// <summary>A learner who may join the live webinars of a course: the basis of webinar access.</summary>
public sealed class CourseParticipant
{
    public Guid EnrollmentId { get; init; }
    public Guid CourseId { get; init; }
    public Guid LearnerId { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
}

sealed class CourseParticipantConfiguration : IEntityTypeConfiguration<CourseParticipant>
{
    public void Configure(EntityTypeBuilder<CourseParticipant> entity)
    {
        entity.ToTable("course_participants");
        entity.HasKey(e => e.EnrollmentId);
        entity.HasIndex(e => new { e.CourseId, e.LearnerId });
    }
}

/// <summary>
/// grants the learner access to the course's live webinars. The inbox makes a redelivered message a no-op; the key on the enrollment id also
/// keeps a second enrollment event for the same enrollment from adding a second row.
/// </summary>
public sealed class GrantWebinarAccessConsumer(WebinarDb db, TimeProvider clock) : IConsumer<LearnerEnrolled>
{
    public async Task Consume(ConsumeContext<LearnerEnrolled> context)
    {
        var enrolled = context.Message;
        if (await db.Participants.AnyAsync(e => e.EnrollmentId == enrolled.EnrollmentId, context.CancellationToken)) return;
        db.Participants.Add(new CourseParticipant
        {
            EnrollmentId = enrolled.EnrollmentId,
            CourseId = enrolled.CourseId,
            LearnerId = enrolled.LearnerId,
            EnrolledAt = enrolled.EnrolledAt,
            RecordedAt = clock.GetUtcNow(),
        });
    }
}
