using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PublicInnovation.Webinar.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (no broker, no database).</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<WebinarDb>
{
    public WebinarDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WebinarDb>().UseNpgsql("Host=localhost;Database=webinar").Options);
}
