"""Durations, renewals and waiting lists of control measures (issue 15 §6, R-ASSET-02, R-ASSET-04):
each measure's expiry, reminders before it, one-click renewal of many measures at once, the lapse
sweep, waiting-list seizures promoted when the measure ahead is freed, and the expiring lists of the
officer and of the command centre."""
