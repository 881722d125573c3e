"""The one trial of a benchmark's hpsweep sweep, read from its sweep.h5 (shared by the
compare_*.py scripts)."""
import sys

import h5py


def completed_trial_rates(out, curve):
    """Trial 0000's training samples/s per epoch and the last value of `curve`; exits when the
    trial did not complete."""
    with h5py.File(out / "sweep.h5", "r") as f:
        trial = f["/trials/0000"]
        status = trial.attrs["status"]
        status = status.decode() if isinstance(status, bytes) else str(status)
        if status != "completed":
            sys.exit(f"hpsweep trial ended '{status}': {trial.attrs.get('message', '')}")
        return ([float(x) for x in trial["curves/samples_per_second"][()]],
                float(trial[f"curves/{curve}"][-1]))
