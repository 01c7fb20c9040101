"""监督检查与执法 (issue 12): plans, the double-random draw (双随机), inspections, cases."""
