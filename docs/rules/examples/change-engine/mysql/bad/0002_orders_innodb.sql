-- migrate:up
ALTER TABLE orders ENGINE=InnoDB;
-- migrate:down
ALTER TABLE orders ENGINE=MyISAM;
