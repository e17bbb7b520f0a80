using System.Xml.Linq;
using Shouldly;

namespace PublicInnovation.ServiceDefaults.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/conventions.md, read from the project files themselves: services talk only
/// through events, so no *.Api may reference another *.Api, and contracts and ServiceDefaults stay leaves.
/// </summary>
public sealed class ProjectGraphTests
{
    static readonly string Root = PublicInnovation.AppHost.Hosting.AppHostOptions.FindRepositoryRoot();


    static IEnumerable<(string Project, string Reference)> References(string pattern) =>
        new[] { "Services", "ServiceDefaults" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories))
            .SelectMany(project => XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => (Path.GetFileNameWithoutExtension(project), Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))));

    [Fact]
    public void Api_projects_never_reference_another_api()
    {
        var apis = References("*.Api.csproj").ToList();

        apis.ShouldNotBeEmpty();
        apis.Where(r => r.Reference.EndsWith(".Api")).ShouldBeEmpty();
    }

    [Fact]
    public void Api_projects_reference_only_service_defaults_and_contracts()
    {
        References("*.Api.csproj")
            .Where(r => r.Reference != "ServiceDefaults" && !r.Reference.EndsWith(".Contracts"))
            .ShouldBeEmpty();
    }

    [Fact]
    public void Contracts_and_service_defaults_reference_no_project()
    {
        References("*.Contracts.csproj").Concat(References("ServiceDefaults.csproj")).ShouldBeEmpty();
    }

    [Fact]
    public void Every_service_has_an_api_and_a_contracts_project()
    {
        foreach (var service in new[] { "Catalogue", "Enrollment", "Webinar", "Forum", "Certification" })
        {
            File.Exists(Path.Combine(Root, "Services", service, $"{service}.Api", $"{service}.Api.csproj")).ShouldBeTrue(service);
            File.Exists(Path.Combine(Root, "Services", service, $"{service}.Contracts", $"{service}.Contracts.csproj")).ShouldBeTrue(service);
        }
    }
}
