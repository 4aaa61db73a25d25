"""Department alerts: raised where things happen (``raising``), worded once (``wording``, shared
by the daily digest and the console's alerts page), sent as one daily digest (``digest``)."""
