using Microsoft.EntityFrameworkCore;
using PublicInnovation.Certification.Api.Candidates;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.Certification.Api.Data;

public sealed class CertificationDb(DbContextOptions<CertificationDb> options) : DbContext(options)
{
    public DbSet<CertificationCandidate> Candidates => Set<CertificationCandidate>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfigurationsFromAssembly(typeof(CertificationDb).Assembly);
        model.AddOutboxAndInbox();
    }
}
