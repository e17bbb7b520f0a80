using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PublicInnovation.Catalogue.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (no broker, no database).</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CatalogueDb>
{
    public CatalogueDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CatalogueDb>().UseNpgsql("Host=localhost;Database=catalogue").Options);
}
