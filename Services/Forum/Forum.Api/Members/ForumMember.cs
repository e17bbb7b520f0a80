using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PublicInnovation.Forum.Api.Data;
using PublicInnovation.Enrollment.Contracts;

namespace PublicInnovation.Forum.Api.Members;

/// <summary>A member of a course's forum: may read and post in its threads, controversies and projects.</summary>
public sealed class ForumMember
{
    public Guid EnrollmentId { get; init; }
    public Guid CourseId { get; init; }
    public Guid LearnerId { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
}

sealed class ForumMemberConfiguration : IEntityTypeConfiguration<ForumMember>
{
    public void Configure(EntityTypeBuilder<ForumMember> entity)
    {
        entity.ToTable("forum_members");
        entity.HasKey(e => e.EnrollmentId);
        entity.HasIndex(e => new { e.CourseId, e.LearnerId });
    }
}

/// <summary>
/// adds the learner to the course forum. The inbox makes a redelivered message a no-op; the key on the enrollment id also
/// keeps a second enrollment event for the same enrollment from adding a second row.
/// </summary>
public sealed class AddForumMemberConsumer(ForumDb db, TimeProvider clock) : IConsumer<LearnerEnrolled>
{
    public async Task Consume(ConsumeContext<LearnerEnrolled> context)
    {
        var enrolled = context.Message;
        if (await db.Members.AnyAsync(e => e.EnrollmentId == enrolled.EnrollmentId, context.CancellationToken)) return;
        db.Members.Add(new ForumMember
        {
            EnrollmentId = enrolled.EnrollmentId,
            CourseId = enrolled.CourseId,
            LearnerId = enrolled.LearnerId,
            EnrolledAt = enrolled.EnrolledAt,
            RecordedAt = clock.GetUtcNow(),
        });
    }
}
