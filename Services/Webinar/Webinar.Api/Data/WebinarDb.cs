using Microsoft.EntityFrameworkCore;
using PublicInnovation.Webinar.Api.Participants;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.Webinar.Api.Data;

public sealed class WebinarDb(DbContextOptions<WebinarDb> options) : DbContext(options)
{
    public DbSet<CourseParticipant> Participants => Set<CourseParticipant>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfigurationsFromAssembly(typeof(WebinarDb).Assembly);
        model.AddOutboxAndInbox();
    }
}
