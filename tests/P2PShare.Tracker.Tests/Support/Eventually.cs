namespace P2PShare.Tracker.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes; for effects that no reply signals (a dropped connection).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
