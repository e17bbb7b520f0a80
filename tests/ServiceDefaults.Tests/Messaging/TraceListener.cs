using System.Diagnostics;

namespace PublicInnovation.ServiceDefaults.Tests.Messaging;

/// <summary>Samples every activity while alive, as an OpenTelemetry tracer provider would.</summary>
sealed class TraceListener : IDisposable
{
    readonly ActivityListener _listener;

    TraceListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static TraceListener Start() => new();

    public void Dispose() => _listener.Dispose();
}
