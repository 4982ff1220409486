-- Reference data seeded from sql/reference/*.csv (copies of the plan's reference lists).

INSERT INTO districts (code, name_zh, name_en, gb2260) VALUES
	('110101', '东城区', 'Dongcheng', 'true'),
	('110102', '西城区', 'Xicheng', 'true'),
	('110105', '朝阳区', 'Chaoyang', 'true'),
	('110106', '丰台区', 'Fengtai', 'true'),
	('110107', '石景山区', 'Shijingshan', 'true'),
	('110108', '海淀区', 'Haidian', 'true'),
	('110109', '门头沟区', 'Mentougou', 'true'),
	('110111', '房山区', 'Fangshan', 'true'),
	('110112', '通州区', 'Tongzhou', 'true'),
	('110113', '顺义区', 'Shunyi', 'true'),
	('110114', '昌平区', 'Changping', 'true'),
	('110115', '大兴区', 'Daxing', 'true'),
	('110116', '怀柔区', 'Huairou', 'true'),
	('110117', '平谷区', 'Pinggu', 'true'),
	('110118', '密云区', 'Miyun', 'true'),
	('110119', '延庆区', 'Yanqing', 'true'),
	('110302', '北京经济技术开发区', 'Beijing Economic-Technological Development Area (E-Town)', 'false');

INSERT INTO retired_districts (code, name_zh, retired_in, replaced_by) VALUES
	('110103', '崇文区', 2010, '110101'),
	('110104', '宣武区', 2010, '110102'),
	('110228', '密云县', 2015, '110118'),
	('110229', '延庆县', 2015, '110119');

INSERT INTO agencies (code, name_zh, name_en, role) VALUES
	('ecology', '市生态环境局', 'Municipal Ecology and Environment Bureau', 'publisher'),
	('agriculture', '市农业农村局', 'Municipal Agriculture and Rural Affairs Bureau', 'publisher'),
	('forestry', '市园林绿化局', 'Municipal Landscaping and Forestry Bureau', 'publisher'),
	('planning', '市规划自然资源委', 'Municipal Planning and Natural Resources Commission', 'publisher'),
	('housing', '市住房城乡建设委', 'Municipal Housing and Urban-Rural Development Commission', 'publisher'),
	('economy', '市经济和信息化局', 'Municipal Economy and Information Technology Bureau', 'publisher'),
	('district', '各区政府（含北京经济技术开发区管委会）', 'District governments (incl. E-Town administrative committee)', 'district-publisher'),
	('water', '市水务局', 'Municipal Water Authority', 'reader'),
	('emergency', '市应急局', 'Municipal Emergency Management Bureau', 'reader'),
	('urban', '市城市管理委', 'Municipal Urban Management Commission', 'reader'),
	('development', '市发展改革委', 'Municipal Development and Reform Commission', 'reader'),
	('finance', '市财政局', 'Municipal Finance Bureau', 'reader'),
	('statistics', '市统计局', 'Municipal Statistics Bureau', 'reader'),
	('health', '市卫生健康委', 'Municipal Health Commission', 'reader'),
	('market', '市市场监管局', 'Municipal Market Regulation Administration', 'reader');

INSERT INTO land_use_classes (code_prefix, name_zh, name_en, gb36600_class, note) VALUES
	('R', '居住用地', 'Residential', 'I', 'all R subclasses'),
	('A33', '中小学用地', 'Primary and secondary schools', 'I', NULL),
	('A5', '医疗卫生用地', 'Medical and health', 'I', NULL),
	('A6', '社会福利用地', 'Social welfare', 'I', NULL),
	('G1-C', '社区公园或儿童公园用地', 'Community or children''s park within G1', 'I', 'GB 50137 has no code of its own for these: G1-C is this service''s documented extension'),
	('A', '公共管理与公共服务用地', 'Public administration and services (other)', 'II', 'A except A33 A5 A6'),
	('B', '商业服务业设施用地', 'Commercial and business facilities', 'II', NULL),
	('M', '工业用地', 'Industrial', 'II', NULL),
	('W', '物流仓储用地', 'Logistics and warehousing', 'II', NULL),
	('S', '道路与交通设施用地', 'Roads and transport facilities', 'II', NULL),
	('U', '公用设施用地', 'Public utilities', 'II', NULL),
	('G', '绿地与广场用地', 'Green space and squares (other)', 'II', 'G except community/children''s parks');

INSERT INTO gb36600_values (pollutant, name_zh, cas, screening_class_i, screening_class_ii, intervention_class_i, intervention_class_ii, unit, note) VALUES
	('As', '砷', '7440-38-2', 20, 60, 120, 140, 'mg/kg', 'standard allows exceedance up to local background value'),
	('Cd', '镉', '7440-43-9', 20, 65, 47, 172, 'mg/kg', NULL),
	('Cr6', '六价铬', '18540-29-9', 3.0, 5.7, 30, 78, 'mg/kg', NULL),
	('Pb', '铅', '7439-92-1', 400, 800, 800, 2500, 'mg/kg', NULL),
	('Hg', '汞', '7439-97-6', 8, 38, 33, 82, 'mg/kg', NULL),
	('Ni', '镍', '7440-02-0', 150, 900, 600, 2000, 'mg/kg', NULL),
	('benzene', '苯', '71-43-2', 1, 4, 10, 40, 'mg/kg', NULL),
	('vinyl_chloride', '氯乙烯', '75-01-4', 0.12, 0.43, 1.2, 4.3, 'mg/kg', NULL);

INSERT INTO gb15618_values (pollutant, name_zh, land_type, ph_max_5_5_screening, ph_5_5_6_5_screening, ph_6_5_7_5_screening, ph_over_7_5_screening, ph_max_5_5_control, ph_5_5_6_5_control, ph_6_5_7_5_control, ph_over_7_5_control, unit) VALUES
	('Cd', '镉', 'other', 0.3, 0.3, 0.3, 0.6, 1.5, 2.0, 3.0, 4.0, 'mg/kg'),
	('Hg', '汞', 'other', 1.3, 1.8, 2.4, 3.4, 2.0, 2.5, 4.0, 6.0, 'mg/kg'),
	('As', '砷', 'other', 40, 40, 30, 25, 200, 150, 120, 100, 'mg/kg'),
	('Pb', '铅', 'other', 70, 90, 120, 170, 400, 500, 700, 1000, 'mg/kg'),
	('Cr', '铬', 'other', 150, 150, 200, 250, 800, 850, 1000, 1300, 'mg/kg');
