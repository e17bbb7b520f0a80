namespace PublicInnovation.Catalogue.Contracts;

/// <summary>
/// An operator published a course: it is now open for enrollment. Consumed by enrollment (its course
/// snapshot); webinar and forum will use it to open a course's sessions and forum.
/// <c>Language</c> is the ISO 639-1 code of the course's content (<c>fr</c> first).
/// </summary>
public sealed record CoursePublished(Guid CourseId, string Title, string Summary, string Language, DateTimeOffset PublishedAt);
