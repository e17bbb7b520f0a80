using Microsoft.EntityFrameworkCore;
using PublicInnovation.Forum.Api.Members;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.Forum.Api.Data;

public sealed class ForumDb(DbContextOptions<ForumDb> options) : DbContext(options)
{
    public DbSet<ForumMember> Members => Set<ForumMember>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfigurationsFromAssembly(typeof(ForumDb).Assembly);
        model.AddOutboxAndInbox();
    }
}
