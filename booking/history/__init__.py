"""What happened to a booking, when and by whom: the history its customer sees."""
