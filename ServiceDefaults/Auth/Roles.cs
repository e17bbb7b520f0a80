namespace PublicInnovation.ServiceDefaults.Auth;

/// <summary>
/// The roles a caller's token can carry (claim <c>role</c>). Each is also the name of an authorization policy
/// requiring it, so endpoints read <c>.RequireAuthorization(Roles.Operator)</c>.
/// </summary>
public static class Roles
{
    /// <summary>A public agent or elected official following a course.</summary>
    public const string Learner = "learner";

    /// <summary>Teaches a course, hosts its webinars.</summary>
    public const string Instructor = "instructor";

    /// <summary>Moderates forums and controversies.</summary>
    public const string Moderator = "moderator";

    /// <summary>A national operator running the platform for its regions.</summary>
    public const string Operator = "operator";

    /// <summary>A partner civic-tech application calling the gateway API.</summary>
    public const string Partner = "partner";

    /// <summary>Every role, in a stable order.</summary>
    public static readonly IReadOnlyList<string> All = [Learner, Instructor, Moderator, Operator, Partner];
}
