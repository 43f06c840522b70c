"""The box's outside world: discovery, the watchdog, backups, the USB export, cloud sync, the data lock."""
