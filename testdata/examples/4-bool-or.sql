select elementIds from file 1124890692330272 where floor = "F11" or family = '标准';
