using Duet.Fuzz;

// duet-fuzz: the fuzzing harness. See README.md in this folder.
TraceMap.EnsureScratch();
return args switch
{
    ["list"] => Commands.List(),
    ["seeds", var directory] => Commands.WriteSeeds(directory),
    ["afl", var target] => Commands.Afl(FuzzTargets.Find(target)),
    ["replay", var target, .. var paths] when paths.Length > 0 => Commands.Replay(FuzzTargets.Find(target), paths),
    ["mutate", var target, var count] => Commands.Mutate(target, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Commands.Usage(),
};
