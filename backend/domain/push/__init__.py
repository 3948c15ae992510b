"""Web Push: VAPID key, device subscriptions, the notification outbox and its sender."""
