using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class CommandInterruptsTests
{
    [Fact]
    public void Ctrl_C_during_a_command_interrupts_only_that_command()
    {
        using var interrupts = new CommandInterrupts();
        using var command = new CancellationTokenSource();
        interrupts.Begin(command);

        Assert.True(interrupts.Interrupt());

        Assert.True(command.IsCancellationRequested);
        Assert.False(interrupts.Leaving.IsCancellationRequested);
    }

    [Fact]
    public void Ctrl_C_at_the_prompt_leaves()
    {
        using var interrupts = new CommandInterrupts();
        using var command = new CancellationTokenSource();
        interrupts.Begin(command);
        interrupts.End(command);

        Assert.False(interrupts.Interrupt());

        Assert.False(command.IsCancellationRequested);
        Assert.True(interrupts.Leaving.IsCancellationRequested);
    }
}
