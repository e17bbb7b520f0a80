using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PublicInnovation.Enrollment.Api.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (no broker, no database).</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<EnrollmentDb>
{
    public EnrollmentDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<EnrollmentDb>().UseNpgsql("Host=localhost;Database=enrollment").Options);
}
