using Duet.Crypto.Encoding;

namespace Duet.Actors.Runtime;

/// <summary>One party's pending run: its settings and matrix in, its result (or failure) out.</summary>
internal sealed class SessionJob(PartySettings settings, Matrix<long> matrix, IProgress<PartyProgress>? progress)
{
    public PartySettings Settings { get; } = settings;

    public Matrix<long> Matrix { get; } = matrix;

    public IProgress<PartyProgress>? Progress { get; } = progress;

    public TaskCompletionSource<PartyResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
