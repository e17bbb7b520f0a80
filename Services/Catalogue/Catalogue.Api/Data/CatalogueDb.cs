using Microsoft.EntityFrameworkCore;
using PublicInnovation.Catalogue.Api.Courses;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.Catalogue.Api.Data;

public sealed class CatalogueDb(DbContextOptions<CatalogueDb> options) : DbContext(options)
{
    public DbSet<Course> Courses => Set<Course>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfigurationsFromAssembly(typeof(CatalogueDb).Assembly);
        model.AddOutboxAndInbox();
    }
}
