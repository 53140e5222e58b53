using System.Collections.Concurrent;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class TerminalLineReaderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static ConsoleKeyInfo Key(char c) => new(c, c == '\r' ? ConsoleKey.Enter : ConsoleKey.A, false, false, false);

    private static ConsoleKeyInfo Key(ConsoleKey key) => new('\0', key, false, false, false);

    private static IEnumerable<ConsoleKeyInfo> Text(string text) => text.Select(Key);

    // Keys come from a blocking queue, as from a keyboard; the reader thread waits for more.
    private static (TerminalLineReader Reader, StringWriter Screen) Reader(IEnumerable<ConsoleKeyInfo> keys)
    {
        var queue = new BlockingCollection<ConsoleKeyInfo>();
        foreach (var key in keys)
            queue.Add(key);
        var written = new StringWriter();
        var output = new UserOutput(written, written, () => 60);
        return (new TerminalLineReader(output, "p2p> ", () => queue.Take()), written);
    }

    [Fact]
    public async Task Typed_keys_make_a_line_with_backspace_applied()
    {
        var (reader, screen) = Reader([.. Text("lisx"), Key(ConsoleKey.Backspace), .. Text("t\r")]);
        using (reader)
        {
            Assert.Equal("list", await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));
            Assert.Equal(["p2p> list"], VirtualScreen.Render(screen.ToString(), 60));
        }
    }

    [Fact]
    public async Task Up_arrow_brings_back_the_previous_command()
    {
        var (reader, _) = Reader([.. Text("status\r"), Key(ConsoleKey.UpArrow), Key('\r')]);
        using (reader)
        {
            Assert.Equal("status", await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));
            Assert.Equal("status", await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));
        }
    }

    [Fact]
    public async Task Ctrl_D_on_an_empty_line_ends_input()
    {
        var (reader, _) = Reader([new ConsoleKeyInfo('\u0004', ConsoleKey.D, false, false, true)]);
        using (reader)
            Assert.Null(await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));
    }

    [Fact]
    public async Task Disposing_while_a_key_is_awaited_ends_the_key_thread_quietly()
    {
        var keys = new BlockingCollection<ConsoleKeyInfo>();
        var written = new StringWriter();
        var reader = new TerminalLineReader(new UserOutput(written, written, () => 60), "p2p> ", () => keys.Take());
        var pending = reader.ReadLineAsync(CancellationToken.None).AsTask();
        var thread = reader.InputThread!;

        reader.Dispose();   // the command loop ends while the key thread sits in ReadKey
        keys.Add(Key('\r')); // the key arrives afterwards; the thread must not touch disposed state

        Assert.True(thread.Join(Deadline), "the key thread did not end");
        await Assert.ThrowsAnyAsync<Exception>(() => pending.WaitAsync(Deadline)); // the reader is closed: no line for anybody
    }

    [Fact]
    public async Task A_pasted_20000_character_line_costs_linear_output_not_quadratic()
    {
        const int Length = 20_000;
        var queue = new BlockingCollection<ConsoleKeyInfo>();
        foreach (var key in Text(new string('x', Length) + "\r"))
            queue.Add(key);
        var screen = new CountingWriter();
        var output = new UserOutput(screen, screen, () => 80);
        using var reader = new TerminalLineReader(output, "p2p> ", () => queue.Take());

        string? line = await reader.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(Deadline);

        Assert.Equal(Length, line!.Length);
        // Linear: each character is written about twice (typed, then the committed line). A redraw
        // per key writes about Length^2/2 = 200 million characters.
        Assert.InRange(screen.Written, Length, 4 * Length);
    }

    private sealed class CountingWriter : TextWriter
    {
        public long Written { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => Written++;

        public override void Write(string? value) => Written += value?.Length ?? 0;
    }
}
