"""The numbers after release (the Analytics stage): per-day figures per platform, read from CSV or typed in,
summed up and drawn as ECharts options. Pure functions on plain values: no database, no NiceGUI.

    figures.py   platforms, metrics, one day's figures (`Point`) and checking them
    csvfile.py   CSV in (our columns, Spotify for Artists exports) and out
    summary.py   totals, 7- and 28-day change, save rate, Pulse's weekly line
    charts.py    the ECharts option dicts
"""
