using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PublicInnovation.Forum.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (no broker, no database).</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ForumDb>
{
    public ForumDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ForumDb>().UseNpgsql("Host=localhost;Database=forum").Options);
}
