namespace PublicInnovation.Enrollment.Contracts;

/// <summary>
/// A learner enrolled in a published course. Consumed by webinar (access to the course's live sessions),
/// forum (membership of the course forum) and certification (the learner's progress record).
/// </summary>
public sealed record LearnerEnrolled(Guid EnrollmentId, Guid CourseId, Guid LearnerId, DateTimeOffset EnrolledAt);
