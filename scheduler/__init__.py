"""School timetable and after-school (5+2) scheduling optimizer."""
