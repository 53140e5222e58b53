using P2PShare.Peer;
using P2PShare.Peer.Commands;

namespace P2PShare.EndToEnd.Tests;

/// <summary>Ctrl+C at the command loop's prompt: the loop leaves, says so last, and exits 130 as after SIGINT.</summary>
public sealed class LoopInterruptTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // A reader that waits for a line until the test ends it: the user at the prompt, typing nothing.
    private sealed class SilentInput : TextReader
    {
        private readonly TaskCompletionSource<string?> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => new(_line.Task.WaitAsync(cancellationToken));

        public void End() => _line.TrySetResult(null);
    }

    [Fact]
    public async Task Ctrl_C_at_the_prompt_of_piped_input_exits_130()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var node = await net.StartPeerAsync(net.Options("alone"), join: false);
        using var interrupts = new CommandInterrupts();
        var input = new SilentInput();
        var loop = new CommandLoop(node, input, new UserOutput(TextWriter.Null), prompt: false, interrupts);

        var run = loop.RunAsync(CancellationToken.None);
        interrupts.Interrupt();

        Assert.Equal(130, await run.WaitAsync(Deadline));
        input.End();
    }

    [Fact]
    public async Task Ctrl_C_at_a_terminal_prompt_exits_130_and_draws_no_prompt_after_bye()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var node = await net.StartPeerAsync(net.Options("alone"), join: false);
        using var interrupts = new CommandInterrupts();
        var written = new StringWriter();
        var output = new UserOutput(TextWriter.Synchronized(written), TextWriter.Null, () => 80);
        using var keyWanted = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        using var keys = new TerminalLineReader(output, "p2p> ", () =>
        {
            keyWanted.Release();
            release.Wait();
            return new ConsoleKeyInfo('\u0004', 0, false, false, true);
        });
        var loop = new CommandLoop(node, keys, output, prompt: false, interrupts);

        var run = loop.RunAsync(CancellationToken.None);
        Assert.True(await keyWanted.WaitAsync(Deadline)); // the prompt is drawn and a key awaited
        interrupts.Interrupt();

        Assert.Equal(130, await run.WaitAsync(Deadline));
        string text = written.ToString();
        int bye = text.LastIndexOf("Leaving the network. Bye.", StringComparison.Ordinal);
        Assert.True(bye > 0, text);
        Assert.DoesNotContain("p2p>", text[bye..], StringComparison.Ordinal);
        release.Set();
    }
}
