using PublicInnovation.Testing;

// One RabbitMQ node and one PostgreSQL cluster for the whole run; each test class gets its own vhost and database.
[assembly: AssemblyFixture(typeof(TestInfrastructure))]
