namespace P2PShare.Testing;

/// <summary>Polls a condition until it holds or a deadline passes; for effects that no reply signals (a dropped connection).</summary>
public static class Eventually
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
