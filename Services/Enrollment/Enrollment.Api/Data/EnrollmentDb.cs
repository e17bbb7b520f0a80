using Microsoft.EntityFrameworkCore;
using PublicInnovation.Enrollment.Api.Courses;
using PublicInnovation.Enrollment.Api.Enrollments;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.Enrollment.Api.Data;

public sealed class EnrollmentDb(DbContextOptions<EnrollmentDb> options) : DbContext(options)
{
    public DbSet<CourseSnapshot> Courses => Set<CourseSnapshot>();
    public DbSet<CourseEnrollment> Enrollments => Set<CourseEnrollment>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfigurationsFromAssembly(typeof(EnrollmentDb).Assembly);
        model.AddOutboxAndInbox();
    }
}
