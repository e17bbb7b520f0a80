using System.Diagnostics;

namespace PublicInnovation.Testing;

/// <summary>Waits on a condition with a deadline, never on a guessed delay: asynchronous effects are polled for.</summary>
public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> (every 50 ms, slowing to 500 ms) until it returns true; throws a
    /// <see cref="TimeoutException"/> saying <paramref name="because"/> when <paramref name="deadline"/> passes.
    /// An exception from the condition counts as "not yet" and is attached to the timeout.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string because)
    {
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromMilliseconds(50);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (clock.Elapsed >= deadline)
                throw new TimeoutException(
                    $"Not true after {deadline.TotalSeconds:0.#} s: {because}." + (last is null ? "" : $" Last error: {last.Message}"), last);
            await Task.Delay(interval);
            interval = TimeSpan.FromMilliseconds(Math.Min(500, interval.TotalMilliseconds * 1.5));
        }
    }

    /// <summary>The same for a synchronous condition.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string because) =>
        WaitUntilAsync(() => Task.FromResult(condition()), deadline, because);
}
