using P2PShare.Tracker.Network;

namespace P2PShare.Tracker.Tests.Network;

public sealed class ClientThreadContextTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // Runs ClientThreadContext.Run(body) on a thread of its own, as the tracker does; returns that thread's id and how Run ended.
    private static async Task<(int ThreadId, Exception? Error)> RunOnOwnThreadAsync(Func<Task> body)
    {
        var ended = new TaskCompletionSource<(int, Exception?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                ClientThreadContext.Run(body);
                ended.SetResult((Environment.CurrentManagedThreadId, null));
            }
#pragma warning disable CA1031 // The test inspects whatever Run threw.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ended.SetResult((Environment.CurrentManagedThreadId, e));
            }
        }) { IsBackground = true, Name = "client-thread-context test" }.Start();
        return await ended.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Continuations_of_the_body_run_on_the_clients_own_thread_not_the_pool()
    {
        var seen = new List<int>();
        var (threadId, error) = await RunOnOwnThreadAsync(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                // Completed from a pool thread: without the context the continuation would run there.
                var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = Task.Run(released.SetResult);
                await released.Task;
                seen.Add(Environment.CurrentManagedThreadId);
                await Task.Delay(1);
                seen.Add(Environment.CurrentManagedThreadId);
            }
        });

        Assert.Null(error);
        Assert.Equal(10, seen.Count);
        Assert.All(seen, id => Assert.Equal(threadId, id));
    }

    [Fact]
    public async Task Run_throws_what_the_body_throws_after_its_awaits()
    {
        var (_, error) = await RunOnOwnThreadAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidDataException("bad frame");
        });

        Assert.Equal("bad frame", Assert.IsType<InvalidDataException>(error).Message);
    }

    [Fact]
    public async Task Work_posted_after_the_body_has_finished_still_runs_on_the_pool()
    {
        SynchronizationContext? captured = null;
        var (_, error) = await RunOnOwnThreadAsync(() =>
        {
            captured = SynchronizationContext.Current;
            return Task.CompletedTask;
        });
        Assert.Null(error);
        Assert.IsType<ClientThreadContext>(captured);

        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        captured.Post(_ => ran.SetResult(Thread.CurrentThread.IsThreadPoolThread), null);

        Assert.True(await ran.Task.WaitAsync(Deadline));
    }
}
