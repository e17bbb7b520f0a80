using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PublicInnovation.Certification.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (no broker, no database).</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CertificationDb>
{
    public CertificationDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CertificationDb>().UseNpgsql("Host=localhost;Database=certification").Options);
}
