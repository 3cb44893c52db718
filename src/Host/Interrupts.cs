using System.Runtime.InteropServices;

namespace Duet.Host;

/// <summary>
/// The process's Ctrl-C (SIGINT) and SIGTERM as a cancellation of the running command, so that a party tells its peer
/// before it stops; the signal then decides the exit code (130, 143). A second signal stops the process at once.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly PosixSignalRegistration[] registrations;

    public Interrupts()
    {
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => cancellation.Token;

    /// <summary>The first signal received, or null.</summary>
    public (string Name, int Code)? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Signal is not null)
        {
            return; // the second one: let the runtime end the process
        }

        context.Cancel = true;
        Signal = context.Signal == PosixSignal.SIGINT ? ("SIGINT", ExitCodes.Interrupted) : ("SIGTERM", ExitCodes.Terminated);
        cancellation.Cancel();
    }
}
