"""OPC UA adapter (asyncua): subscriptions or polled reads."""
