using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PublicInnovation.Certification.Api.Data;
using PublicInnovation.Enrollment.Contracts;

namespace PublicInnovation.Certification.Api.Candidates;

/// <summary>A learner working towards a course's certificate: the record certification progress builds on.</summary>
public sealed class CertificationCandidate
{
    public Guid EnrollmentId { get; init; }
    public Guid CourseId { get; init; }
    public Guid LearnerId { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
}

sealed class CertificationCandidateConfiguration : IEntityTypeConfiguration<CertificationCandidate>
{
    public void Configure(EntityTypeBuilder<CertificationCandidate> entity)
    {
        entity.ToTable("certification_candidates");
        entity.HasKey(e => e.EnrollmentId);
        entity.HasIndex(e => new { e.CourseId, e.LearnerId });
    }
}

/// <summary>
/// opens the learner's certification record for the course. The inbox makes a redelivered message a no-op; the key on the enrollment id also
/// keeps a second enrollment event for the same enrollment from adding a second row.
/// </summary>
public sealed class OpenCertificationRecordConsumer(CertificationDb db, TimeProvider clock) : IConsumer<LearnerEnrolled>
{
    public async Task Consume(ConsumeContext<LearnerEnrolled> context)
    {
        var enrolled = context.Message;
        if (await db.Candidates.AnyAsync(e => e.EnrollmentId == enrolled.EnrollmentId, context.CancellationToken)) return;
        db.Candidates.Add(new CertificationCandidate
        {
            EnrollmentId = enrolled.EnrollmentId,
            CourseId = enrolled.CourseId,
            LearnerId = enrolled.LearnerId,
            EnrolledAt = enrolled.EnrolledAt,
            RecordedAt = clock.GetUtcNow(),
        });
    }
}
